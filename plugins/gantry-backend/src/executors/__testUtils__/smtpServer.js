// A real SMTP server (the smtp-server package) in a process of its own, for
// the notify.email tests: prints "port N", then one JSON line per message.
const { SMTPServer } = require('smtp-server');

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, session, callback) {
    let data = '';
    stream.on('data', chunk => {
      data += chunk.toString();
    });
    stream.on('end', () => {
      process.stdout.write(
        `${JSON.stringify({
          from: session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map(r => r.address),
          data,
        })}\n`,
      );
      callback();
    });
  },
});
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(`port ${server.server.address().port}\n`),
);
