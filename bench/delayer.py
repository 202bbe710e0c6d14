"""Hold every packet of one NFQUEUE for a fixed time, then release it in arrival order.

Run inside the network namespace whose iptables OUTPUT chain queues to ``--queue``:

    python bench/delayer.py --queue 1 --delay-ms 150 --parent-pid 1234

One thread does everything: ``select`` waits on the netlink socket with a timeout equal to
the time left until the oldest held packet is due, so the process sleeps whenever nothing is
due, never spins, and verdicts leave in exactly the order packets arrived (a constant delay
applied to a FIFO keeps it a FIFO). Timer threads per packet would reorder under load.
"""

from __future__ import annotations

import argparse
import collections
import ctypes
import os
import select
import signal
import sys
import time

# The kernel buffers this many packets for us; more than the tbf limit (200 KB ≈ 140 full
# frames) plus a TCP window, so bursts are delayed rather than dropped by the queue itself.
QUEUE_MAX_LEN = 8192
# Only the headers are copied to user space: we never look at or change payloads.
COPY_RANGE = 64
# Longest sleep with nothing held: bounds how late we notice an orphaned or expired run.
IDLE_WAKE_S = 1.0
PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    """Ask the kernel to SIGTERM us when the harness dies, even by SIGKILL."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    # The parent may have died before prctl took effect; then nobody would ever stop us.
    if parent_pid and os.getppid() != parent_pid:
        sys.exit(0)


def run(queue_num: int, delay_s: float, max_seconds: float, ready_fd: int | None) -> int:
    """Delay packets of ``queue_num`` by ``delay_s`` until signalled or ``max_seconds`` pass."""
    from netfilterqueue import COPY_PACKET, NetfilterQueue

    held: collections.deque = collections.deque()
    stopping: list[int] = []

    def stop(signum, _frame) -> None:
        # Only set a flag: raising here could land inside the C callback of the queue.
        stopping.append(signum)

    # The wakeup pipe makes select return at once on a signal instead of after its timeout.
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    os.set_blocking(wake_r, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def on_packet(pkt) -> None:
        # The verdict is given later; the packet id and queue handle stay valid until then.
        held.append((time.monotonic() + delay_s, pkt))

    nfq = NetfilterQueue()
    nfq.bind(queue_num, on_packet, max_len=QUEUE_MAX_LEN, mode=COPY_PACKET, range=COPY_RANGE)
    fd = nfq.get_fd()
    os.set_blocking(fd, False)
    if ready_fd is not None:
        # Tell the harness the queue is bound, so it can add the iptables rule safely.
        os.write(ready_fd, b"ready\n")
        os.close(ready_fd)

    released = 0
    end = time.monotonic() + max_seconds
    try:
        # Bounded by max_seconds (a safety net for orphans); normally ended by SIGTERM.
        while not stopping and time.monotonic() < end:
            now = time.monotonic()
            while held and held[0][0] <= now:
                held.popleft()[1].accept()
                released += 1
            timeout = held[0][0] - now if held else IDLE_WAKE_S
            wait = max(0.0, min(timeout, IDLE_WAKE_S))
            readable, _, _ = select.select([fd, wake_r], [], [], wait)
            if wake_r in readable:
                os.read(wake_r, 512)
            if fd in readable:
                # Drains everything the socket has, then returns on EAGAIN (non-blocking).
                nfq.run(block=False)
    finally:
        # Let what we hold through rather than drop it: teardown is about to remove the link.
        while held:
            try:
                held.popleft()[1].accept()
            except (OSError, RuntimeError):
                break
        nfq.unbind()
    return released


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the delayer."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queue", type=int, required=True, help="NFQUEUE number to serve")
    parser.add_argument("--delay-ms", type=float, required=True, help="hold time per packet")
    parser.add_argument("--parent-pid", type=int, default=0, help="exit when this pid dies")
    parser.add_argument("--max-seconds", type=float, default=6 * 3600, help="hard lifetime")
    parser.add_argument("--ready-fd", type=int, default=None, help="fd to write 'ready' to")
    args = parser.parse_args(argv)

    _die_with_parent(args.parent_pid)
    run(args.queue, args.delay_ms / 1000.0, args.max_seconds, args.ready_fd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
