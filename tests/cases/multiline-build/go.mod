module example.com/multiline-build

go 1.19
