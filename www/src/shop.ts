/** The reference server's JSON shapes, and the demo's own cart (the shop's data, not Vitrine's). */

/** A candidate as the reference server sends it: the SDK shape plus display fields. */
export interface ShopCandidate {
  id: string;
  serverRank: number;
  serverScore: number;
  attributes: Record<string, string>;
  price: number;
  name: string;
  swatch: string | null;
}

/** `GET /api/products/{id}`. */
export interface ProductDetail {
  id: string;
  name: string;
  description: string;
  attributes: Record<string, string>;
  price: number;
  swatch: string | null;
  weeklySales: number;
}

/** `GET /api/catalog`. */
/** `GET /api/model`: the server's trained ranking model and its SHA-256 (for pinning). */
export interface ServedModel {
  url: string;
  sha256: string;
  bytes: number;
}

export interface CatalogSummary {
  source: string;
  currency: string;
  productCount: number;
  basketCount: number;
  hasModel: boolean;
  categories: { value: string; count: number; productTypes: { value: string; count: number }[] }[];
}

/** One cart line. */
export interface CartLine {
  id: string;
  name: string;
  price: number;
  swatch: string | null;
  attributes: Record<string, string>;
  quantity: number;
}

/**
 * The demo's cart, in sessionStorage (memory when storage is blocked). It is the shop's own
 * data: Vitrine's consent rules govern only Vitrine's keys.
 */
export class Cart {
  private static readonly KEY = 'demo-shop:cart';
  private lines: CartLine[] = [];

  constructor() {
    try {
      const raw = sessionStorage.getItem(Cart.KEY);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      if (Array.isArray(parsed)) this.lines = parsed.filter((l): l is CartLine => typeof l?.id === 'string' && typeof l?.price === 'number');
    } catch {
      this.lines = [];
    }
  }

  /** The lines, in the order added. */
  get items(): readonly CartLine[] {
    return this.lines;
  }

  /** Units in the cart. */
  get count(): number {
    return this.lines.reduce((n, l) => n + l.quantity, 0);
  }

  /** The total price. */
  get total(): number {
    return this.lines.reduce((sum, l) => sum + l.price * l.quantity, 0);
  }

  add(c: Omit<CartLine, 'quantity'>): void {
    const line = this.lines.find((l) => l.id === c.id);
    if (line) line.quantity += 1;
    else this.lines.push({ id: c.id, name: c.name, price: c.price, swatch: c.swatch, attributes: c.attributes, quantity: 1 });
    this.save();
  }

  remove(id: string): void {
    this.lines = this.lines.filter((l) => l.id !== id);
    this.save();
  }

  clear(): void {
    this.lines = [];
    this.save();
  }

  private save(): void {
    try {
      sessionStorage.setItem(Cart.KEY, JSON.stringify(this.lines));
    } catch {
      // Storage blocked: the cart lives in memory for this page.
    }
  }
}
