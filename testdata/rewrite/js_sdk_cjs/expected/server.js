#!/usr/bin/env node
const hoistSecrets = require("./hoist-secrets.cjs");
const express = require("express");

async function start() {
  const apiKey = (await hoistSecrets.get("arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/stripe-AbCdEf", undefined, "STRIPE_KEY"));
  return express().listen(3000, () => console.log(apiKey.length));
}

start();
