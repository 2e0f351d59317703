#!/usr/bin/env python3
"""Writes catalog/demo.json: a small fashion catalogue written by us (no third-party data).

Deterministic: the same file every run. Used by the demo when ../shared/data is absent and by tests.
"""
import json
import random
from pathlib import Path

COLOURS = {
    "Black": "#1f1f1f", "White": "#f4f4f2", "Red": "#c0392b", "Blue": "#2e5fa8", "Navy": "#1c2a4a",
    "Green": "#2f7d4a", "Beige": "#d8c3a5", "Pink": "#e8a0b4", "Grey": "#8a8d91", "Yellow": "#e6c229",
}
PATTERNS = ["Solid", "Solid", "Solid", "Stripe", "Check", "Floral", "Dot"]
GROUPS = {
    "Ladieswear": [("Dress", "Dresses", 39, 89), ("Blouse", "Blouses", 24, 49), ("Skirt", "Skirts", 19, 59),
                   ("Trousers", "Trousers", 29, 69), ("Coat", "Outerwear", 79, 189)],
    "Menswear": [("T-shirt", "Jersey", 9, 25), ("Shirt", "Shirts", 24, 59), ("Trousers", "Trousers", 29, 79),
                 ("Jacket", "Outerwear", 69, 159), ("Sweater", "Knitwear", 29, 79)],
    "Divided": [("Hoodie", "Jersey", 19, 39), ("Jeans", "Denim", 24, 49), ("T-shirt", "Jersey", 7, 15),
                ("Shorts", "Shorts", 12, 29)],
    "Sport": [("Leggings", "Sportswear", 19, 49), ("Sports top", "Sportswear", 14, 35), ("Sneakers", "Shoes", 49, 119)],
}
ADJECTIVES = ["Relaxed", "Slim", "Oversized", "Ribbed", "Linen", "Cotton", "Wool-blend", "Cropped", "Pleated", "Classic"]


def main() -> None:
    rng = random.Random(20261121)
    products = []
    n = 0
    for group, kinds in GROUPS.items():
        for product_type, department, low, high in kinds:
            for colour in rng.sample(sorted(COLOURS), 5):
                n += 1
                pattern = rng.choice(PATTERNS)
                adjective = rng.choice(ADJECTIVES)
                name = f"{adjective} {pattern.lower() + ' ' if pattern != 'Solid' else ''}{product_type.lower()}"
                products.append({
                    "id": f"demo-{n:03d}",
                    "name": name[0].upper() + name[1:],
                    "description": f"{adjective} {product_type.lower()} in {colour.lower()}, {pattern.lower()} pattern. {department} collection.",
                    "attributes": {
                        "productType": product_type, "colour": colour, "pattern": pattern,
                        "department": department, "indexGroup": group,
                    },
                    "price": round(rng.uniform(low, high)) - 0.01,
                    "swatch": COLOURS[colour],
                    "weeklySales": int(rng.paretovariate(1.3) * 20),
                    "ageDays": rng.randrange(0, 120),
                })
    out = {"source": "Vitrine demo catalogue", "currency": "EUR", "products": products}
    path = Path(__file__).resolve().parent.parent / "catalog" / "demo.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {len(products)} products to {path}")


if __name__ == "__main__":
    main()
