// Extra checks run after the apps are built, each printed as `name=ok|FAIL` on the summary line
// after the apps. A check is `{ name, needs?, run(ctx) }`: `needs` names the apps it uses (built
// even under `--only <check>`); `run` resolves with `{ failures: string[], info?: object }`
// (no failures = ok) or throws (= FAIL).
//
// ctx: {
//   root,                      repository root
//   browser,                   a launched Chromium (playwright-core); open your own context
//   apps,                      { [name]: { built: boolean, ok: boolean, dir, def } } — def is the entry of apps.mjs
//   serve(name, options),      serves a built app: resolves { url, close }; options: { headers, hide } (static apps)
//   loadScenario(url),         opens a page and collects { result, error, problems, wasm, violations }
//   judge(outcome),            the failures of such an outcome (see lib/browser.mjs)
//   log(message), logDir
// }

export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";
/** The same without the wasm permission: must break the page, or the check could not see a violation. */
const CONTROL_CSP = "default-src 'self'; script-src 'self'";

/** The first of `names` that built, or null. */
const firstBuilt = (ctx, names) => names.find((n) => ctx.apps[n]?.built) ?? null;

async function underCsp(ctx, app, policy) {
  const server = await ctx.serve(app, { headers: { 'content-security-policy': policy } });
  try {
    return await ctx.loadScenario(server.url);
  } finally {
    await server.close();
  }
}

export const checks = [
  {
    // `Vitrine.init({ worker: true })` from the packed tarball: the bundler must emit the worker
    // and its imports; the scenario's outcome is judged like the main-thread one.
    name: 'worker',
    needs: ['vite', 'webpack'],
    async run(ctx) {
      const failures = [];
      for (const app of ['vite', 'webpack']) {
        if (!ctx.apps[app]?.built) {
          failures.push(`${app}: not built`);
          continue;
        }
        const server = await ctx.serve(app, {});
        try {
          const outcome = await ctx.loadScenario(`${server.url}?worker=1`);
          failures.push(...ctx.judge(outcome).map((f) => `${app}: ${f}`));
          if (outcome.result?.worker !== true) failures.push(`${app}: the scenario did not run in worker mode`);
        } finally {
          await server.close();
        }
      }
      return { failures };
    },
  },
  {
    name: 'csp',
    needs: ['vite'],
    async run(ctx) {
      const app = firstBuilt(ctx, ['vite', 'esbuild']);
      if (!app) return { failures: ['neither the vite nor the esbuild app built: nothing to serve under CSP'] };
      const strict = await underCsp(ctx, app, STRICT_CSP);
      const failures = ctx.judge(strict);
      const control = await underCsp(ctx, app, CONTROL_CSP);
      const controlCaught = control.violations.length > 0 && ctx.judge(control).length > 0;
      if (!controlCaught) {
        failures.push(`control: without 'wasm-unsafe-eval' no violation was reported (${JSON.stringify(control.violations)}); the check cannot see one`);
      }
      return { failures, info: { app, policy: STRICT_CSP, controlViolations: control.violations } };
    },
  },
];
