// A server component that imports `vitrine` at module top level. It is prerendered during
// `next build` (static): importing the package must not touch `window`, storage or the network.
import { Vitrine, VitrineError } from 'vitrine';
import ClientDemo from './client-demo.jsx';

export default function Page() {
  return (
    <main>
      <h1>Vitrine + Next.js</h1>
      <p data-testid="ssr" data-ssr={`${typeof Vitrine.init}/${typeof VitrineError}`}>
        Rendered on the server with vitrine imported.
      </p>
      <ClientDemo />
    </main>
  );
}
