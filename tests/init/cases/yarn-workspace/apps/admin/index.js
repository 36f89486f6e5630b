require("@shop/ui");
