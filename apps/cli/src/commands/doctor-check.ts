/** One line of `openclaw doctor`: what was checked, whether it passed, and how to fix it. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}
