import os

API_KEY = "cvY51y6SJFmdiO62dQpeAtWAaEcUDGib"
client.setApiKey("Zq8Rk2mVx7LpT4nWc9YbH3sJ")
