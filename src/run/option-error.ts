/**
 * A bad option passed to the public API (compile, createService, execute…), refused where it
 * is passed: `option` names it (e.g. "limits.payloadBytes"); `code` is ERR_INVALID_OPTION.
 */
export class OptionError extends TypeError {
  readonly code = 'ERR_INVALID_OPTION';
  readonly option: string;
  constructor(what: string, option: string, problem: string) {
    super(`${what}: option '${option}' ${problem}`);
    this.name = 'OptionError';
    this.option = option;
  }
}
