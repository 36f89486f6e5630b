from fastapi import FastAPI

api = FastAPI(title="fixture")


@api.get("/")
def root():
    return {"hello": "world"}
