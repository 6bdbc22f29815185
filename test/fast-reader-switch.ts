/**
 * The spec loader's fast reader (parseBlockYaml) switched off on demand, for tests that hold the
 * loader with it to the loader without it: mock synth/yaml.ts with `switchableFastReader`, then set
 * `fastReader.on`; `fastReader.took` counts the texts it read. Only types are imported here: the
 * mock's factory loads this module while synth/yaml.ts is itself being loaded.
 */
import type * as Yaml from '../synth/yaml.ts';

export const fastReader = { on: true, took: 0 };

/** The module, but that parseBlockYaml leaves every text to the yaml package while `fastReader.on` is false. */
export const switchableFastReader = (m: typeof Yaml): typeof Yaml => ({
  ...m,
  parseBlockYaml: (text: string) => {
    if (!fastReader.on) return undefined;
    const read = m.parseBlockYaml(text);
    if (read?.length === 1) fastReader.took++;
    return read;
  },
});
