// the API server
package main

func main() {}
