"""The repository root and a free port, for the tests that launch
tools/dist_train.sh with two CPU processes."""
import os.path as osp
import socket

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]
