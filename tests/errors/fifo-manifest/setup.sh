# git cannot hold a FIFO: make it in the scratch copy
mkfifo Cargo.toml
