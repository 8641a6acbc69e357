import React from "react";

export function Checkout() {
  return <StripeProvider apiKey={hoistEnv("STRIPE_PUBLISHABLE_KEY")} locale="en" />;
}

// Added by hoist: read a required environment variable, failing loudly when it is missing.
function hoistEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined) {
    throw new Error(`missing environment variable ${name}`);
  }
  return value;
}
