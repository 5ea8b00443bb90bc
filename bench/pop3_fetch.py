#!/usr/bin/env python3
"""bench/pop3_fetch.py: one poplib client retrieving a whole maildrop, timed.

Usage: pop3_fetch.py PORT USER PASSWORD ROUNDS
Prints one line per round: seconds to log in, STAT, RETR every message and QUIT
(nothing is deleted), and the octets retrieved.
"""
import poplib
import sys
import time


def main() -> int:
    port, user, password, rounds = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    for _ in range(rounds):
        start = time.perf_counter()
        pop = poplib.POP3("127.0.0.1", port, timeout=30)
        pop.user(user)
        pop.pass_(password)
        count, _ = pop.stat()
        octets = 0
        for number in range(1, count + 1):
            _, lines, size = pop.retr(number)
            octets += size
        pop.quit()
        print(f"{time.perf_counter() - start:.4f} {count} {octets}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
