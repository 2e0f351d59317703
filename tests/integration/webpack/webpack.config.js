// webpack 5: nothing Vitrine-specific. webpack turns the package's
// `new URL('vitrine_bg.wasm', import.meta.url)` into an `asset/resource` (the wasm is emitted to
// the output folder) and splits the lazily imported glue into its own chunk.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import HtmlWebpackPlugin from 'html-webpack-plugin';

const here = path.dirname(fileURLToPath(import.meta.url));

export default {
  entry: './src/main.js',
  output: { path: path.join(here, 'dist'), filename: '[name].[contenthash].js', clean: true },
  plugins: [new HtmlWebpackPlugin({ title: 'Vitrine + webpack' })],
  performance: { hints: false },
  stats: 'errors-warnings',
};
