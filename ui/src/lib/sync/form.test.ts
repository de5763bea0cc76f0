import { describe, expect, it } from "vitest";
import { syncView } from "../../test/sync";
import { newForm, submitLabel, validate, type SignInForm } from "./form";

const filled = (overrides: Partial<SignInForm> = {}): SignInForm => ({
  ...newForm(),
  server: "https://sync.example.com",
  email: "ada@example.com",
  password: "a long enough password",
  teamName: "Acme",
  ...overrides,
});

describe("the sign-in form", () => {
  it("starts with a new team, or signs in again to the server it knew", () => {
    expect(newForm()).toMatchObject({ mode: "create", server: "", deviceName: "This computer" });
    const again = newForm(syncView({ signed_in: false }).status);
    expect(again).toMatchObject({
      mode: "signin",
      server: "https://sync.example.com",
      email: "ada@example.com",
      password: "",
    });
    expect(submitLabel("join")).toBe("Join team and sign in");
  });

  it("checks each field before anything is sent", () => {
    expect(validate(filled())).toEqual({});
    expect(validate(filled({ server: "sync.example.com" })).server).toContain("https://");
    expect(validate(filled({ server: "HTTP://10.0.0.2:8787" })).server).toBeUndefined();
    expect(validate(filled({ server: "" })).server).toBeDefined();
    expect(validate(filled({ email: "ada" })).email).toContain("name@example.com");
    expect(validate(filled({ password: "short" })).password).toBe("Use at least 10 characters.");
    expect(validate(filled({ mode: "signin", password: "short" })).password).toBeUndefined();
    expect(validate(filled({ teamName: " " })).teamName).toBe("Name your team.");
    expect(validate(filled({ mode: "join", teamName: "" })).invite).toBeDefined();
    expect(validate(filled({ mode: "join", teamName: "", invite: "code" }))).toEqual({});
    expect(validate(filled({ deviceName: "" })).deviceName).toBeDefined();
  });
});
