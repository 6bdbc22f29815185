/**
 * A GitHub Actions job's log, where a line of a step's output is a command the runner obeys: an
 * annotation titled as orgctl's (`::error title=orgctl review::…`), `::add-mask::orgctl` (every later
 * `orgctl` of the log reads `***`), `::stop-commands::…`, `::group::` folding the findings away.
 * What orgctl prints quotes its author's text (a declaration's own output, a spec's email, a file
 * name of head's dist/), so under Actions every write to standard output and standard error passes
 * one guard, which breaks each command form in it with a space (in JSON, `##[` with an escape of its
 * bracket: LogForm) and changes nothing else.
 *
 * How the runner reads (actions/runner):
 * - src/Runner.Sdk/ProcessInvoker.cs StartReadStream: one `reader.ReadLine()` at a time, and .NET's
 *   StreamReader ends a line at `\n`, `\r` or `\r\n`; standard output and standard error are two
 *   readers, each line handed to src/Runner.Worker/ActionCommandManager.cs TryProcessCommand;
 * - src/Runner.Common/ActionCommand.cs TryParseV2: the line after `TrimStart()` (.NET's
 *   char.IsWhiteSpace) must start with `::`; TryParse, tried when it does not: `##[` ANYWHERE in the
 *   line (IndexOf), the command up to the next `]`. Its escapes (%0A %0D %25, %3A %2C in a property)
 *   are undone in a command's data only: nothing orgctl writes is a command, so it escapes nothing.
 *
 * A space, not a zero-width character: .NET's StartsWith(string) and IndexOf(string) compare by
 * culture, which may skip a zero-width character (ICU), and would read `#<U+200B>#[` as `##[`.
 *
 * Not `::stop-commands::<random token>` around untrusted text: the runner drains standard error's
 * lines before standard output's of each batch (ProcessInvoker.ProcessOutput), so a stop written on
 * one stream does not come before the other's lines; and orgctl writes no command it would resume for.
 */
import { fstatSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/**
 * What TrimStart() trims before `::` (.NET's char.IsWhiteSpace), with U+180E and U+FEFF, white space
 * in older Unicode: a guard that trims more only breaks more. Not `\r` or `\n`: they end the line.
 */
const LEADING_SPACE =
  '[\\t\\v\\f \\u0085\\u00a0\\u1680\\u180e\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]';
/** TryParseV2's `::` at a line's start: the first colon (after the space TrimStart takes) and a second after it. */
const LINE_COMMAND = new RegExp(`(^|[\\r\\n])(${LEADING_SPACE}*:)(?=:)`, 'g');
/** TryParse's `##[`, anywhere in a line: the bracket after two number signs. */
const LEGACY_COMMAND = /(?<=##)\[/g;

/**
 * What a stream carries, and so how its `##[` is broken. Text, for people: with a space (`## [`).
 * JSON (`--format json`), for programs (`| jq` in a step): there `##[` is only ever inside a string,
 * where `##\u005b` is the same string to every JSON reader, so nothing of the data changes (a
 * space would: a file name or subject the data does not hold). A line of JSON never starts with
 * `:` (outside its strings, which hold no line break, only white space and JSON's own tokens), so
 * the line form is never met there.
 */
export type LogForm = 'text' | 'json';
const LEGACY_BREAK: Readonly<Record<LogForm, string>> = { text: ' [', json: '\\u005b' };
const AT_LINE_START = new RegExp(`^${LEADING_SPACE}*$`);
const AFTER_FIRST_COLON = new RegExp(`^${LEADING_SPACE}*:$`);

/**
 * Where a stream's current line stands, as far as a command could still start from it: '' at a
 * line's start (nothing but space written yet), ':' after its first colon, else a character that
 * is neither (`x`) and the line's last number signs (up to two).
 */
export type LineCarry = string;

/** `text` of `form` written after a line that stands at `carry`: each command form broken, and where the line then stands. */
export function breakCommands(
  carry: LineCarry,
  text: string,
  form: LogForm = 'text',
): { readonly text: string; readonly carry: LineCarry } {
  const broken = `${carry}${text}`.replace(LINE_COMMAND, '$1$2 ').replace(LEGACY_COMMAND, LEGACY_BREAK[form]);
  const line = broken.slice(Math.max(broken.lastIndexOf('\n'), broken.lastIndexOf('\r')) + 1);
  const next = AT_LINE_START.test(line) ? '' : AFTER_FIRST_COLON.test(line) ? ':' : `x${/#{0,2}$/.exec(line)![0]}`;
  // Every break goes in after the carry (it held no command form whole), so the carry is as written.
  return { text: broken.slice(carry.length), carry: next };
}

/**
 * Every later write to `stream` through breakCommands, its line carried from one write to the next
 * (a declaration's `:` and `:error::…` arrive in two reads of its pipe). A regular file is no log
 * (`prove --format json > proof.json`): its bytes stay orgctl's.
 */
export function guardWorkflowLog(stream: NodeJS.WriteStream & { readonly fd: number }, form: LogForm = 'text'): void {
  if (fstatSync(stream.fd).isFile()) return;
  const decoder = new StringDecoder('utf8'); // a character split between two buffers is kept whole
  let carry: LineCarry = '';
  const write = stream.write.bind(stream) as (chunk: string, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const guarded = breakCommands(carry, typeof chunk === 'string' ? chunk : decoder.write(chunk), form);
    carry = guarded.carry;
    return write(guarded.text, ...rest);
  }) as NodeJS.WriteStream['write'];
}
