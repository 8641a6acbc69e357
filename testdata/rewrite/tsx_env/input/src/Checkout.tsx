import React from "react";

export function Checkout() {
  return <StripeProvider apiKey="pk_live_51Habcdefghijklmnop" locale="en" />;
}
