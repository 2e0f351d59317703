import { useVitrine, useReranked } from './useVitrine.js';

// In a real shop these come from your server, in its order.
const CANDIDATES = [
  { id: 'r1', serverRank: 0, name: 'Slim trousers', attributes: { productType: 'Trousers', colour: 'Black' }, price: 39 },
  { id: 'r2', serverRank: 1, name: 'Linen shirt', attributes: { productType: 'Shirt', colour: 'White' }, price: 35 },
  { id: 'r3', serverRank: 2, name: 'Denim jacket', attributes: { productType: 'Jacket', colour: 'Blue' }, price: 79 },
  { id: 'r4', serverRank: 3, name: 'Wrap dress', attributes: { productType: 'Dress', colour: 'Green' }, price: 59 },
  { id: 'r5', serverRank: 4, name: 'Midi dress', attributes: { productType: 'Dress', colour: 'Red' }, price: 65 },
  { id: 'r6', serverRank: 5, name: 'Knit sweater', attributes: { productType: 'Sweater', colour: 'Red' }, price: 49 },
];

export function App() {
  // Your consent tool decides this; nothing is stored before a purpose is granted.
  const { vitrine, error } = useVitrine({ consent: { personalization: 'granted' }, wasm: new URL('./vitrine_bg.wasm', import.meta.url) });
  const [items, track] = useReranked(vitrine, CANDIDATES);
  return (
    <main>
      <h1>Recommended for you</h1>
      {error && <p role="alert">Personalisation is unavailable; showing our picks.</p>}
      <ol data-testid="react-list" data-ready={vitrine ? 'true' : 'false'}>
        {items.map(({ candidate, reason }) => (
          <li key={candidate.id} data-colour={candidate.attributes.colour}>
            {candidate.name} ({candidate.attributes.colour}) {reason && <small>{reason.text}</small>}{' '}
            <button
              type="button"
              onClick={() => track({ type: 'add_to_cart', productId: candidate.id, attributes: candidate.attributes, price: candidate.price })}
            >
              Add {candidate.name} to cart
            </button>
          </li>
        ))}
      </ol>
    </main>
  );
}
