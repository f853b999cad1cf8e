// The AWS SDK for JavaScript v3's container provider (fromHttp, which reads
// AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN) against
// `credchain serve`, across one refresh: prints the access key id it read first and the one
// after the server refreshed (cli/tests/serve.rs runs it).
import { fromHttp } from "@aws-sdk/credential-provider-http";

const read = () => fromHttp({ timeout: 2000 })();
const first = await read();
if (!(first.expiration instanceof Date) || !first.sessionToken) {
    throw new Error("fromHttp gave credentials without an expiration or a session token");
}
let now = first;
const deadline = Date.now() + 20000;
while (now.accessKeyId === first.accessKeyId && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    now = await read();
}
console.log(first.accessKeyId, now.accessKeyId);
