import { defineConfig } from 'vite';

// Nothing Vitrine-specific is needed for `vite build`. For `vite dev`, see the README.
export default defineConfig({
  build: { target: 'es2022' },
  logLevel: 'warn',
});
