module example.com/err-custom-build-no-artifacts

go 1.19
