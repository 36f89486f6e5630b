// Package greet is a module of the workspace that apps/api uses through go.work.
package greet

func Hello(name string) string { return "Hello, " + name + ", from a Go workspace module!" }
