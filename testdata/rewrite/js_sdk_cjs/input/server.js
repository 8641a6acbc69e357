#!/usr/bin/env node
const express = require("express");

async function start() {
  const apiKey = "sk_live_51Habcdefghijklmnop";
  return express().listen(3000, () => console.log(apiKey.length));
}

start();
