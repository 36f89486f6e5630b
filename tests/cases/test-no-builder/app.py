"""A script with no dependencies."""
print("hi")
