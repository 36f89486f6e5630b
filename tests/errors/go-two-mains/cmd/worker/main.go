/* the worker */
package main

func main() {}
