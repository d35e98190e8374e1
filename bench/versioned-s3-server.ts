/** The local versioned Object Lock S3 of the tests, in its own process for the benchmark (its memory is not the verifier's). */
import { VersionedS3 } from '../test/helpers/versioned-s3';

const model = new VersionedS3();
model.createBucket('audit', { objectLock: true, defaultRetention: { mode: 'COMPLIANCE', days: Math.ceil(7 * 365.25) } });
void model.start().then((endpoint) => console.log(endpoint));
