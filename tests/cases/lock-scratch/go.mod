module example.com/scratch-run

go 1.19
