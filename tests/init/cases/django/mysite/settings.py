SECRET_KEY = "fixture"
INSTALLED_APPS = ["polls"]
ROOT_URLCONF = "mysite.urls"
