module github.com/acme/widget/v2

go 1.22

toolchain go1.22.4
