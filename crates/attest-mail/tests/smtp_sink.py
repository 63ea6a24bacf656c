"""A real SMTP server (aiosmtpd) for attest's mail tests.

Usage: python3 smtp_sink.py PORT DIRECTORY
Every accepted message is written to DIRECTORY as <n>.eml. Recipients decide the answer:
  *tempfail*  451 the first time, then accepted (a server busy for a moment)
  *reject*    550 always (no such mailbox)
Prints "ready" once listening.
"""

import asyncio
import itertools
import pathlib
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory):
        self.directory = pathlib.Path(directory)
        self.counter = itertools.count(1)
        self.tempfailed = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "reject" in address:
            return "550 5.1.1 no such mailbox"
        if "tempfail" in address and address not in self.tempfailed:
            self.tempfailed.add(address)
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        path = self.directory / f"{next(self.counter)}.eml"
        path.write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted"


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Sink(directory), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        asyncio.get_event_loop().run_forever()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
