require("@acme/ui");
