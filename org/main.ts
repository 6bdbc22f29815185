/** The cdk8s app entry (cdk8s.yaml): synthesizes the example organization into dist/ atomically. */
import { processIo } from '../cli/io.ts';
import { main } from '../cli/main.ts';

const out = process.env.CDK8S_OUTDIR ?? 'dist';
process.exitCode = await main(['synth', '--spec', 'org/org.ts', '--out', out], processIo);
