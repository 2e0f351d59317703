import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Nothing Vitrine-specific. The root is set only because this test app imports a shared file from
// its parent folder (and sits inside another npm project); a normal app needs no config at all.
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/** @type {import('next').NextConfig} */
export default {
  turbopack: { root },
  outputFileTracingRoot: root,
};
