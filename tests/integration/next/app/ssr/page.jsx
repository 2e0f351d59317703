// The same import, rendered per request by `next start` (dynamic server-side rendering).
import { Vitrine } from 'vitrine';

export const dynamic = 'force-dynamic';

export default function DynamicPage() {
  return (
    <main>
      <p data-testid="ssr" data-ssr={`${typeof Vitrine.init}/request`}>Rendered per request with vitrine imported.</p>
    </main>
  );
}
