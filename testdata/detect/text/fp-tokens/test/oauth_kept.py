# In tests too: a token with digits and a password word stay (reported low by the scan).
access_token = "ghi789"
password = "letmein"
