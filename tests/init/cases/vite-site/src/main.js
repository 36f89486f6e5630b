document.title = "site";
