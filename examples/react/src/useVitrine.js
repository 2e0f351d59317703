// useVitrine: the one hook a React app needs. It initialises Vitrine once (init is idempotent,
// so every component may call the hook), exposes the instance when ready, and re-ranks a
// candidate list whenever the list or the profile changes.
import { useCallback, useEffect, useState } from 'react';
import { Vitrine } from 'vitrine';

/** Initialises Vitrine with `options` (first call wins); returns `{ vitrine, error }`. */
export function useVitrine(options) {
  const [state, setState] = useState({ vitrine: null, error: null });
  useEffect(() => {
    let live = true;
    Vitrine.init(options).then(
      (vitrine) => live && setState({ vitrine, error: null }),
      (error) => live && setState({ vitrine: null, error }),
    );
    return () => {
      live = false;
    };
    // Options are read once: init is idempotent and ignores later options.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return state;
}

/**
 * Re-ranks `candidates` with `vitrine`; returns `[items, track]`. Until Vitrine is ready (or if
 * it fails) the server's order is shown, so the page never waits on personalisation.
 */
export function useReranked(vitrine, candidates) {
  const [items, setItems] = useState(() => candidates.map((candidate) => ({ candidate, reason: null })));
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!vitrine) return undefined;
    let live = true;
    vitrine.rerank(candidates).then((result) => live && setItems(result.items));
    return () => {
      live = false;
    };
  }, [vitrine, candidates, version]);
  const track = useCallback(
    async (event) => {
      if (!vitrine) return;
      await vitrine.track(event);
      setVersion((v) => v + 1);
    },
    [vitrine],
  );
  return [items, track];
}
