import { Vitrine } from 'vitrine';
import { runScenario } from '../../shared/scenario.js';

void runScenario(Vitrine, 'esbuild');
