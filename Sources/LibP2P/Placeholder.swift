// The libp2p shell; being written (see /work/wip during development).
