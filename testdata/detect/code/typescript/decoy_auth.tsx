import React, { useState } from "react";

type Props = { passwordLabel: string };

export function Login({ passwordLabel }: Props) {
  const [password, setPassword] = useState("");
  const token: string | undefined = process.env.NEXT_PUBLIC_TOKEN;
  const apiKey = import.meta.env.VITE_API_KEY as string;
  const secret = `${prefix}-${suffix}`;
  return (
    <form>
      <label htmlFor="password">Password</label>
      <input type="password" name="password" placeholder="Enter your password" value={password} />
      <p className="error">{passwordError ?? "Incorrect password"}</p>
    </form>
  );
}

export const PASSWORD_MIN_LENGTH = 12;
export const tokenStorageKey = "auth.token";
