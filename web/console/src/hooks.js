// usePoll: load data now and again every intervalMs while the view is shown.
// SPDX-License-Identifier: GPL-2.0-or-later
import { useEffect, useState } from 'preact/hooks';

// returns { data, error, loading, at (Date of the last success), refresh() };
// deps restart the polling (e.g. a search term); polling stops after an
// error for which final(error) is true (e.g. a call that has ended)
export function usePoll(load, intervalMs, deps = [], final = () => false) {
  const [state, setState] = useState({ data: null, error: null, loading: true, at: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let alive = true;
    let timer = null;
    const run = async () => {
      let again = true;
      try {
        const data = await load();
        if (alive) setState({ data, error: null, loading: false, at: new Date() });
      } catch (e) {
        if (alive) setState((s) => ({ ...s, error: e, loading: false }));
        again = !final(e);
      }
      if (alive && intervalMs && again) timer = setTimeout(run, intervalMs);
    };
    setState((s) => ({ ...s, loading: true }));
    run();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [...deps, tick]);
  return { ...state, refresh: () => setTick((t) => t + 1) };
}
