// Package greet makes the server's answer; internal to the module.
package greet

// Text is what GET / answers.
func Text() string {
	return "Hello from Go (cmd/server)!"
}
