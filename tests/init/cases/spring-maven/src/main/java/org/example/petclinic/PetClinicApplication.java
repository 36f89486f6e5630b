package org.example.petclinic;

public class PetClinicApplication {
	public static void main(String[] args) {
		System.out.println("petclinic fixture");
	}
}
