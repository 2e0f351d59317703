// Vite: nothing to configure. `new URL('vitrine_bg.wasm', import.meta.url)` inside the package is
// recognised by `vite build`, which emits the wasm as a hashed asset and rewrites the URL.
import { Vitrine, type InitOptions, type RerankResult } from 'vitrine';
import { runScenario } from '../../shared/scenario.js';

// `tsc --noEmit` (part of `npm run build`) checks the package's declarations resolve through its exports map.
export type Ranker = RerankResult['ranker'];
export const options: InitOptions = {};

void runScenario(Vitrine, 'vite');
