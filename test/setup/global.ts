/** Global test setup; the AWS emulator is started here once it is needed. */
export default function setup(): void {}
