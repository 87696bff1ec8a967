/** One thing `rebut doctor` checked, and what to do when it is not right. */
export interface Check {
  /** The part of the set-up: what the output groups by. */
  area: 'settings' | 'stripe' | 'slack' | 'model' | 'database' | 'evidence';
  name: string;
  /** ok: works; warn: works, but not as it should; fail: rebut will not work until it is fixed; skip: not checked. */
  status: 'ok' | 'warn' | 'fail' | 'skip';
  /** What was found. */
  detail: string;
  /** What to change, naming the setting or the dashboard page. */
  fix?: string;
}

export const ok = (area: Check['area'], name: string, detail: string): Check => ({ area, name, status: 'ok', detail });

export const skip = (area: Check['area'], name: string, detail: string): Check => ({
  area,
  name,
  status: 'skip',
  detail,
});

export const warn = (area: Check['area'], name: string, detail: string, fix?: string): Check => ({
  area,
  name,
  status: 'warn',
  detail,
  ...(fix ? { fix } : {}),
});

export const fail = (area: Check['area'], name: string, detail: string, fix?: string): Check => ({
  area,
  name,
  status: 'fail',
  detail,
  ...(fix ? { fix } : {}),
});
