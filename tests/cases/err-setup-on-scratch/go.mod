module example.com/err-setup-on-scratch

go 1.19
