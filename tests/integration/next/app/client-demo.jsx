'use client';
// A client component: Vitrine is initialised in the browser only (in an effect), with the wasm at
// its default location, which Next's bundler emits under /_next/static/media/.
import { useEffect } from 'react';
import { Vitrine } from 'vitrine';
import { runScenario } from '../../shared/scenario.js';

export default function ClientDemo() {
  useEffect(() => {
    void runScenario(Vitrine, 'next');
  }, []);
  return <p>Personalised results appear below once the wasm has loaded.</p>;
}
