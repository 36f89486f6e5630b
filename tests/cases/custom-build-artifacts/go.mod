module example.com/custom-build-artifacts

go 1.19
