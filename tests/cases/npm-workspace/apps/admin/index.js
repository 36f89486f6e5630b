console.log(require("@acme/greet")("admin"));
